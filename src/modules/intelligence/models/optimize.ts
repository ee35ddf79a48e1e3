// Unconstrained minimisation for the maximum-likelihood fits. The models reparametrise to
// log-parameters, so an unconstrained quasi-Newton method is enough.

export type ValueAndGradient = { value: number; gradient: number[] };
export type Objective = (x: readonly number[]) => ValueAndGradient;

export type MinimizeOptions = {
  maxIterations?: number;
  /** Stop when every gradient component is below this. */
  gradientTolerance?: number;
  /** Stop when an iteration improves the value by less than this, relative to |value|. */
  valueTolerance?: number;
};

export type MinimizeResult = { x: number[]; value: number; gradient: number[]; iterations: number; evaluations: number; converged: boolean };

const dot = (u: readonly number[], v: readonly number[]) => {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += (u[i] as number) * (v[i] as number);
  return s;
};

const maxAbs = (v: readonly number[]) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

const identity = (n: number): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));

/**
 * BFGS with a backtracking (Armijo) line search on an objective that returns its gradient.
 * Non-finite trial points (overflow far from the optimum) count as "too far" and shrink the step.
 */
export const minimizeBfgs = (objective: Objective, start: readonly number[], options: MinimizeOptions = {}): MinimizeResult => {
  const maxIterations = options.maxIterations ?? 1000;
  const gradientTolerance = options.gradientTolerance ?? 1e-9;
  const valueTolerance = options.valueTolerance ?? 1e-15;
  const n = start.length;
  let x = [...start];
  let current = objective(x);
  let evaluations = 1;
  if (!Number.isFinite(current.value)) throw new RangeError('objective is not finite at the starting point');
  let h = identity(n); // inverse-Hessian approximation
  let firstUpdate = true;
  let stalls = 0;

  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const g = current.gradient;
    if (maxAbs(g) < gradientTolerance) return { x, ...current, iterations: iteration - 1, evaluations, converged: true };
    let direction = h.map((row) => -dot(row, g));
    let slope = dot(direction, g);
    if (!(slope < 0)) {
      // Lost descent (rounding): restart from steepest descent.
      h = identity(n);
      firstUpdate = true;
      direction = g.map((v) => -v);
      slope = dot(direction, g);
    }

    let step = 1;
    let trialX = x;
    let trial: ValueAndGradient | undefined;
    for (let k = 0; k < 60; k++) {
      trialX = x.map((xi, i) => xi + step * (direction[i] as number));
      const candidate = objective(trialX);
      evaluations++;
      if (Number.isFinite(candidate.value) && candidate.gradient.every(Number.isFinite) && candidate.value <= current.value + 1e-4 * step * slope) {
        trial = candidate;
        break;
      }
      step *= 0.5;
    }
    if (!trial) return { x, ...current, iterations: iteration, evaluations, converged: maxAbs(g) < gradientTolerance * 1e3 };

    const s = trialX.map((v, i) => v - (x[i] as number));
    const y = trial.gradient.map((v, i) => v - (g[i] as number));
    const sy = dot(s, y);
    const improvement = current.value - trial.value;
    x = trialX;
    current = trial;

    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      if (firstUpdate) {
        // Scale the first approximation to the curvature just seen (Nocedal & Wright 6.20).
        const scale = sy / dot(y, y);
        h = h.map((row) => row.map((v) => v * scale));
        firstUpdate = false;
      }
      const rho = 1 / sy;
      const hy = h.map((row) => dot(row, y));
      const yhy = dot(y, hy);
      h = h.map((row, i) =>
        row.map(
          (v, j) =>
            v -
            rho * ((hy[i] as number) * (s[j] as number) + (s[i] as number) * (hy[j] as number)) +
            (rho * rho * yhy + rho) * (s[i] as number) * (s[j] as number),
        ),
      );
    }

    stalls = improvement <= valueTolerance * Math.max(1, Math.abs(current.value)) ? stalls + 1 : 0;
    if (stalls >= 3) return { x, ...current, iterations: iteration, evaluations, converged: true };
  }
  return { x, ...current, iterations: maxIterations, evaluations, converged: maxAbs(current.gradient) < gradientTolerance };
};
