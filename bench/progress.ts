/**
 * A progress bar on stderr when it is a terminal (`put 4 KiB [#####.....] 52% 1040/2000 812 ops/s
 * eta 1 s`), redrawn at most ten times a second; nothing at all when stderr is a file or a pipe,
 * so logs and CI output stay clean.
 */
export interface Progress {
  update: (done: number) => void
  finish: () => void
}

const WIDTH = 30
const REDRAW_MS = 100

export function progressBar (label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY !== true) return { update: () => {}, finish: () => {} }
  const started = performance.now()
  let lastDraw = 0
  const draw = (done: number): void => {
    const elapsed = (performance.now() - started) / 1000
    const rate = done / Math.max(0.001, elapsed)
    const filled = Math.round(WIDTH * done / Math.max(1, total))
    const eta = rate > 0 ? Math.ceil((total - done) / rate) : 0
    stream.write(`\r\x1b[K${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(Math.floor(100 * done / Math.max(1, total))).padStart(3)}% ` +
      `${done}/${total} ${rate.toFixed(0)} ops/s eta ${eta} s`)
  }
  return {
    update: (done) => {
      const now = performance.now()
      if (now - lastDraw < REDRAW_MS && done < total) return
      lastDraw = now
      draw(done)
    },
    finish: () => { stream.write('\r\x1b[K') }
  }
}
