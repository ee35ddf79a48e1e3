// Churn early warning: L2-regularised logistic regression on standardised features, fitted by
// Newton's method (IRLS), with per-customer explanations in words.

export type NumericFeature = {
  name: string;
  kind: 'numeric';
  /** Shown to people; the name when omitted. */
  label?: string;
  unit?: string;
  /** Words for below / above the training mean, e.g. "short" / "long" for tenure. */
  lowWord?: string;
  highWord?: string;
};
export type CategoricalFeature = { name: string; kind: 'categorical'; label?: string };
export type FeatureSpec = NumericFeature | CategoricalFeature;

export type FeatureValue = string | number | boolean | null | undefined;
export type FeatureRow = Readonly<Record<string, FeatureValue>>;

// One design column: a numeric feature, or one level of a categorical one (one-hot).
type Column = { feature: number; level?: string; mean: number; scale: number };

/** A fitted model: plain data, so it can be stored as JSON with the scores it produced. */
export type ChurnModel = {
  features: FeatureSpec[];
  columns: Column[];
  intercept: number;
  coefficients: number[];
  l2: number;
  iterations: number;
  converged: boolean;
};

export type FitChurnModelOptions = {
  /** Ridge strength λ on the standardised coefficients (intercept not penalised); default 1. */
  l2?: number;
  maxIterations?: number;
};

export type ChurnFactor = {
  feature: string;
  label: string;
  value: FeatureValue;
  /** Contribution to the log-odds against an average customer: coefficient × standardised value. */
  contribution: number;
  direction: 'raises' | 'lowers';
  /** e.g. "tenure is short (3 months)". */
  description: string;
};

const toNumber = (value: FeatureValue): number | undefined => {
  if (value === null || value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : undefined;
};

const levelOf = (value: FeatureValue) => (value === null || value === undefined ? '' : String(value));

// Raw (unstandardised) column value; missing numbers fall back to the training mean.
const rawValue = (column: Column, spec: FeatureSpec, row: FeatureRow): number => {
  const value = row[spec.name];
  if (spec.kind === 'categorical') return levelOf(value) === column.level ? 1 : 0;
  return toNumber(value) ?? column.mean;
};

const buildColumns = (features: readonly FeatureSpec[], rows: readonly FeatureRow[]): Column[] => {
  const columns: Column[] = [];
  features.forEach((spec, feature) => {
    if (spec.kind === 'numeric') {
      const values = rows.map((r) => toNumber(r[spec.name])).filter((v): v is number => v !== undefined);
      columns.push({ feature, mean: values.reduce((s, v) => s + v, 0) / Math.max(1, values.length), scale: 1 });
    } else {
      const levels = [...new Set(rows.map((r) => levelOf(r[spec.name])))].sort();
      for (const level of levels) columns.push({ feature, level, mean: 0, scale: 1 });
    }
  });
  // Standardise every column with the training mean and standard deviation.
  for (const column of columns) {
    const spec = features[column.feature] as FeatureSpec;
    const values = rows.map((r) => rawValue(column, spec, r));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    column.scale = variance > 0 ? Math.sqrt(variance) : 1;
    column.mean = mean;
  }
  return columns;
};

const designRow = (model: Pick<ChurnModel, 'features' | 'columns'>, row: FeatureRow): Float64Array => {
  const out = new Float64Array(model.columns.length);
  model.columns.forEach((column, j) => {
    out[j] = (rawValue(column, model.features[column.feature] as FeatureSpec, row) - column.mean) / column.scale;
  });
  return out;
};

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

// Solves A·x = b for symmetric positive-definite A (Cholesky); A is overwritten.
const solveSpd = (a: Float64Array[], b: Float64Array): Float64Array => {
  const n = b.length;
  for (let j = 0; j < n; j++) {
    const rowJ = a[j] as Float64Array;
    let d = rowJ[j] as number;
    for (let k = 0; k < j; k++) d -= (rowJ[k] as number) ** 2;
    if (!(d > 0)) throw new RangeError('matrix is not positive definite');
    const ljj = Math.sqrt(d);
    rowJ[j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const rowI = a[i] as Float64Array;
      let s = rowI[j] as number;
      for (let k = 0; k < j; k++) s -= (rowI[k] as number) * (rowJ[k] as number);
      rowI[j] = s / ljj;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i] as number;
    for (let k = 0; k < i; k++) s -= ((a[i] as Float64Array)[k] as number) * (y[k] as number);
    y[i] = s / ((a[i] as Float64Array)[i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i] as number;
    for (let k = i + 1; k < n; k++) s -= ((a[k] as Float64Array)[i] as number) * (x[k] as number);
    x[i] = s / ((a[i] as Float64Array)[i] as number);
  }
  return x;
};

/**
 * Fits P(churn) = σ(β₀ + Σ βⱼ zⱼ) by Newton–Raphson on the penalised log-likelihood. Same data,
 * same model: no randomness anywhere.
 */
export const fitChurnModel = (
  rows: readonly FeatureRow[],
  labels: readonly (0 | 1 | boolean)[],
  features: readonly FeatureSpec[],
  options: FitChurnModelOptions = {},
): ChurnModel => {
  if (rows.length === 0 || rows.length !== labels.length) throw new RangeError('need as many labels as rows, and at least one');
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 50;
  const columns = buildColumns(features, rows);
  const base = { features: [...features], columns };
  const x = rows.map((r) => designRow(base, r));
  const y = labels.map((l) => (l === true || l === 1 ? 1 : 0));
  const d = columns.length + 1; // index 0 is the intercept
  const beta = new Float64Array(d);
  let iterations = 0;
  let converged = false;

  while (iterations < maxIterations && !converged) {
    iterations++;
    const gradient = new Float64Array(d);
    const hessian = Array.from({ length: d }, () => new Float64Array(d));
    const xi = new Float64Array(d);
    xi[0] = 1;
    for (let i = 0; i < x.length; i++) {
      xi.set(x[i] as Float64Array, 1);
      let z = 0;
      for (let j = 0; j < d; j++) z += (beta[j] as number) * (xi[j] as number);
      const p = sigmoid(z);
      const w = p * (1 - p);
      const residual = (y[i] as number) - p;
      for (let j = 0; j < d; j++) {
        const xij = xi[j] as number;
        gradient[j] = (gradient[j] as number) + residual * xij;
        const row = hessian[j] as Float64Array;
        for (let k = 0; k <= j; k++) row[k] = (row[k] as number) + w * xij * (xi[k] as number);
      }
    }
    for (let j = 1; j < d; j++) {
      gradient[j] = (gradient[j] as number) - l2 * (beta[j] as number);
      (hessian[j] as Float64Array)[j] = ((hessian[j] as Float64Array)[j] as number) + l2;
    }
    // A tiny ridge on the intercept keeps the system solvable when a class is absent.
    (hessian[0] as Float64Array)[0] = ((hessian[0] as Float64Array)[0] as number) + 1e-9;
    const step = solveSpd(hessian, gradient);
    let largest = 0;
    for (let j = 0; j < d; j++) {
      beta[j] = (beta[j] as number) + (step[j] as number);
      largest = Math.max(largest, Math.abs(step[j] as number));
    }
    converged = largest < 1e-9;
  }
  return { ...base, intercept: beta[0] as number, coefficients: Array.from(beta.subarray(1)), l2, iterations, converged };
};

const linearTerms = (model: ChurnModel, row: FeatureRow) => {
  const z = designRow(model, row);
  return model.coefficients.map((c, j) => c * (z[j] as number));
};

/** Churn probability for one customer. */
export const predictChurnProbability = (model: ChurnModel, row: FeatureRow): number =>
  sigmoid(model.intercept + linearTerms(model, row).reduce((s, v) => s + v, 0));

const formatNumber = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(Math.abs(n) >= 100 ? 0 : 2));

const describe = (spec: FeatureSpec, column: Column | undefined, value: FeatureValue): string => {
  const label = spec.label ?? spec.name;
  if (spec.kind === 'categorical') return `${label} is ${levelOf(value) || 'missing'}`;
  const n = toNumber(value);
  if (n === undefined) return `${label} is missing`;
  const mean = column?.mean ?? n;
  const word = n < mean ? (spec.lowWord ?? 'low') : (spec.highWord ?? 'high');
  return `${label} is ${word} (${formatNumber(n)}${spec.unit ? ` ${spec.unit}` : ''})`;
};

/**
 * The factors that move this customer's risk most, against an average customer: per feature the
 * sum of coefficient × standardised value over its columns, largest magnitude first.
 */
export const explainChurnRisk = (model: ChurnModel, row: FeatureRow, top = 3): ChurnFactor[] => {
  const terms = linearTerms(model, row);
  const byFeature = new Map<number, number>();
  for (const [j, column] of model.columns.entries()) byFeature.set(column.feature, (byFeature.get(column.feature) ?? 0) + (terms[j] as number));
  return [...byFeature]
    .sort((p, q) => Math.abs(q[1]) - Math.abs(p[1]))
    .slice(0, top)
    .map(([feature, contribution]) => {
      const spec = model.features[feature] as FeatureSpec;
      const value = row[spec.name];
      const column = model.columns.find((c) => c.feature === feature);
      return {
        feature: spec.name,
        label: spec.label ?? spec.name,
        value,
        contribution,
        direction: contribution > 0 ? 'raises' : 'lowers',
        description: describe(spec, column, value),
      };
    });
};
