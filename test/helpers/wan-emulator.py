#!/usr/bin/env python3
"""WAN emulator for the multi-region tests, for kernels without sch_netem.

Attaches to an existing TUN device (made by `ip tuntap add DEV mode tun`, so that the routes
through it stay in place, and packets are dropped rather than sent around the delay, should
this program die), reads every packet the kernel routes into it, drops a fraction of them
(--loss) and writes the others back into the same device once they are --delay-ms old (plus a
uniform --jitter-ms either way). Packets leave in the order they came: a packet is never
released before the one ahead of it, so jitter stretches gaps but never reorders a TCP stream.

Run it inside the router namespace, with stdin a pipe from the test: it prints `ready` once
attached, and exits when stdin closes, so it dies with the test process however that ends.

    ip netns exec NS python3 wan-emulator.py --dev wan0 --delay-ms 40 [--loss 0.01] [--jitter-ms 5]
"""
import argparse
import collections
import fcntl
import os
import random
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000
# Larger than any packet the device can hand over (its MTU is at most 64 KiB).
MAX_PACKET = 65536
# Packets read per wake-up at most, so that a flood of arrivals cannot hold back releases.
BATCH = 256


def open_tun(name):
    fd = os.open('/dev/net/tun', os.O_RDWR | os.O_NONBLOCK)
    # struct ifreq: 16-byte name, then the flags in a 24-byte union.
    fcntl.ioctl(fd, TUNSETIFF, struct.pack('16sH22x', name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def parse_args():
    parser = argparse.ArgumentParser(description='Delays and drops the packets routed into a TUN device.')
    parser.add_argument('--dev', required=True, help='the TUN device, already created')
    parser.add_argument('--delay-ms', type=float, required=True, help='one-way delay of every packet')
    parser.add_argument('--jitter-ms', type=float, default=0.0, help='uniform variation of the delay, either way')
    parser.add_argument('--loss', type=float, default=0.0, help='fraction of packets dropped, 0 to 1')
    args = parser.parse_args()
    if args.delay_ms < 0 or args.jitter_ms < 0 or not 0 <= args.loss <= 1:
        parser.error('delay and jitter must be >= 0, loss between 0 and 1')
    return args


class DelayLine:
    """Packets held until their release time; release times never decrease, so a deque is the queue."""

    def __init__(self, delay, jitter, loss):
        self.delay = delay
        self.jitter = jitter
        self.loss = loss
        self.held = collections.deque()
        self.last_release = 0.0

    def admit(self, packet, now):
        if random.random() < self.loss:
            return
        release = max(now + self.delay + random.uniform(-self.jitter, self.jitter), self.last_release)
        self.last_release = release
        self.held.append((release, packet))

    def due(self, now):
        while self.held and self.held[0][0] <= now:
            yield self.held.popleft()[1]

    def wait(self, now):
        """Seconds until the next release, or None (wait for packets only) when nothing is held."""
        return max(0.0, self.held[0][0] - now) if self.held else None


def run(tun, line, control):
    while True:
        readable, _, _ = select.select([tun, control], [], [], line.wait(time.monotonic()))
        if control in readable and not os.read(control, 4096):
            return
        if tun in readable:
            now = time.monotonic()
            for _ in range(BATCH):
                try:
                    packet = os.read(tun, MAX_PACKET)
                except BlockingIOError:
                    break
                line.admit(packet, now)
        for packet in line.due(time.monotonic()):
            try:
                os.write(tun, packet)
            except OSError:
                # The kernel refused it (no buffer, say): a lost packet, as on a real WAN.
                pass


def main():
    args = parse_args()
    tun = open_tun(args.dev)
    line = DelayLine(args.delay_ms / 1000, args.jitter_ms / 1000, args.loss)
    print('ready', flush=True)
    run(tun, line, sys.stdin.fileno())


if __name__ == '__main__':
    main()
