"""
Drives glance_store's swift driver (Debian's python3-glance-store) as Glance does, for
glance-store-swift.test.ts: `add SIZE ID` stores SIZE random bytes in 50 MB chunks (a DLO, the
driver's large-object form above 100 MB) and prints the location and MD5; `get URI` reads the
image back and prints its MD5; `delete URI` deletes it with its chunks. Usage:
python3 glance-store-swift.py AUTH_URL add|get|delete ...
"""
import atexit, hashlib, json, os, sys, tempfile
from oslo_config import cfg
import glance_store
from glance_store import location

auth_url, command = sys.argv[1], sys.argv[2]
refs = tempfile.NamedTemporaryFile('w', suffix='.conf', delete=False)
refs.write('[ref1]\nuser = test:tester\nkey = testing\nauth_address = %s\nauth_version = 1\n' % auth_url)
refs.close()
# Holds the test user's key: removed however the script ends.
atexit.register(os.unlink, refs.name)
CONF = cfg.CONF
glance_store.register_opts(CONF)
CONF([], project='glance')
for k, v in {'stores': ['swift'], 'default_store': 'swift', 'swift_store_config_file': refs.name,
             'default_swift_reference': 'ref1', 'swift_store_container': 'glance', 'swift_store_create_container_on_put': True,
             'swift_store_large_object_size': 100, 'swift_store_large_object_chunk_size': 50}.items():
    CONF.set_override(k, v, group='glance_store')
glance_store.create_stores(CONF)
glance_store.verify_default_store()

class Image:
    def __init__(self, size):
        self.left, self.md5 = size, hashlib.md5()
    def read(self, n=65536):
        n = min(n, self.left)
        data = os.urandom(n)
        self.left -= n
        self.md5.update(data)
        return data

if command == 'add':
    size = int(sys.argv[3])
    image = Image(size)
    loc, written, checksum, multihash, meta = glance_store.add_to_backend_with_multihash(CONF, sys.argv[4], image, size, 'sha256')
    print(json.dumps({'location': loc, 'size': written, 'checksum': checksum, 'md5': image.md5.hexdigest()}))
elif command == 'get':
    data, size = glance_store.get_from_backend(sys.argv[3])
    md5 = hashlib.md5()
    total = 0
    for chunk in data:
        md5.update(chunk)
        total += len(chunk)
    print(json.dumps({'size': size, 'read': total, 'md5': md5.hexdigest()}))
elif command == 'delete':
    glance_store.delete_from_backend(sys.argv[3])
    print(json.dumps({'deleted': True}))
