import cliProgress from 'cli-progress';

/** A progress bar on a terminal, plain percentage lines otherwise (CI logs). */
export const progressReporter = (label: string) => {
  const tty = process.stderr.isTTY;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: `${label} [{bar}] {percentage}% | {value}/{total} {phase}`, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let started = false;
  let lastPct = -1;
  return {
    update(done: number, total: number, phase = '') {
      if (bar) {
        if (!started) bar.start(total, 0, { phase });
        started = true;
        bar.setTotal(total);
        bar.update(done, { phase });
        return;
      }
      const pct = total > 0 ? Math.floor((done / total) * 10) * 10 : 100;
      if (pct !== lastPct) {
        lastPct = pct;
        process.stderr.write(`${label} ${phase} ${pct}% (${done}/${total})\n`);
      }
    },
    stop() {
      bar?.stop();
    },
  };
};
