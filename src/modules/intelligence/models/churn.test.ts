import { describe, expect, it } from 'vitest';
import { accuracy, rocAuc } from './auc.ts';
import { type ChurnModel, explainChurnRisk, type FeatureSpec, fitChurnModel, predictChurnProbability } from './churn.ts';
import { createRng, shuffled } from './random.ts';
import { readReferenceCsv } from './test-support.ts';

describe('fitChurnModel on synthetic data', () => {
  // y ~ Bernoulli(σ(−1 + 2·z(age) + 1·[plan = basic])) with known coefficients.
  const rng = createRng(11);
  const rows = Array.from({ length: 20_000 }, () => ({ age: 40 + 10 * rng.normal(), plan: rng.next() < 0.5 ? 'basic' : 'pro', noise: rng.normal() }));
  const labels = rows.map((r) => (rng.next() < 1 / (1 + Math.exp(-(-1 + 2 * ((r.age - 40) / 10) + (r.plan === 'basic' ? 1 : 0)))) ? 1 : 0) as 0 | 1);
  const features: FeatureSpec[] = [
    { name: 'age', kind: 'numeric', lowWord: 'young', highWord: 'old', unit: 'years' },
    { name: 'plan', kind: 'categorical' },
    { name: 'noise', kind: 'numeric' },
  ];
  const model = fitChurnModel(rows, labels, features, { l2: 1e-6 });
  const coefficient = (name: string, level?: string) =>
    model.coefficients[model.columns.findIndex((c) => model.features[c.feature]?.name === name && c.level === level)] as number;

  it('recovers the generating coefficients (per raw unit) and is deterministic', () => {
    expect(model.converged).toBe(true);
    const ageColumn = model.columns[0] as ChurnModel['columns'][number];
    expect(coefficient('age') / ageColumn.scale).toBeCloseTo(0.2, 1);
    // basic vs pro: the two one-hot columns share the effect of 1 on the log-odds.
    const basic = model.columns.find((c) => c.level === 'basic') as ChurnModel['columns'][number];
    const pro = model.columns.find((c) => c.level === 'pro') as ChurnModel['columns'][number];
    expect(coefficient('plan', 'basic') / basic.scale - coefficient('plan', 'pro') / pro.scale).toBeCloseTo(1, 1);
    expect(Math.abs(coefficient('noise'))).toBeLessThan(0.05);
    expect(fitChurnModel(rows, labels, features, { l2: 1e-6 })).toEqual(model);
    expect(JSON.parse(JSON.stringify(model))).toEqual(model);
  });

  it('imputes missing numbers with the training mean and ignores unseen levels', () => {
    const average = predictChurnProbability(model, { age: null, plan: 'enterprise', noise: undefined });
    expect(average).toBeGreaterThan(0);
    expect(average).toBeLessThan(1);
    expect(predictChurnProbability(model, { age: 70, plan: 'basic', noise: 0 })).toBeGreaterThan(0.95);
  });

  it('explains a score by its largest factors, in words, with their direction', () => {
    const factors = explainChurnRisk(model, { age: 25, plan: 'pro', noise: 0 }, 2);
    expect(factors.map((f) => [f.feature, f.direction, f.description])).toEqual([
      ['age', 'lowers', 'age is young (25 years)'],
      ['plan', 'lowers', 'plan is pro'],
    ]);
    const high = explainChurnRisk(model, { age: 62, plan: 'basic', noise: 0 }, 1)[0];
    expect(high?.description).toBe('age is old (62 years)');
    expect(high?.direction).toBe('raises');
    expect(high?.contribution).toBeGreaterThan(0);
  });
});

const categorical = [
  'gender',
  'SeniorCitizen',
  'Partner',
  'Dependents',
  'PhoneService',
  'MultipleLines',
  'InternetService',
  'OnlineSecurity',
  'OnlineBackup',
  'DeviceProtection',
  'TechSupport',
  'StreamingTV',
  'StreamingMovies',
  'Contract',
  'PaperlessBilling',
  'PaymentMethod',
];
const telcoFeatures: FeatureSpec[] = [
  ...categorical.map((name): FeatureSpec => ({ name, kind: 'categorical' })),
  { name: 'tenure', kind: 'numeric', unit: 'months', lowWord: 'short', highWord: 'long' },
  { name: 'MonthlyCharges', kind: 'numeric', label: 'monthly charges' },
  { name: 'TotalCharges', kind: 'numeric', label: 'total charges' },
];

describe('churn classifier on the IBM Telco data (60/20/20 splits)', () => {
  const rows = readReferenceCsv('telco-churn/WA_Fn-UseC_-Telco-Customer-Churn.csv').map(
    (row): Record<string, string | number> => ({
      ...row,
      // Blank for the 11 customers in their first month (tenure 0): charged nothing yet, tenure × monthly = 0.
      TotalCharges: row.TotalCharges?.trim() ? Number(row.TotalCharges) : Number(row.tenure) * Number(row.MonthlyCharges),
    }),
  );
  const labels = rows.map((r) => (r.Churn === 'Yes' ? 1 : 0) as 0 | 1);

  const runSplit = (seed: number) => {
    const order = shuffled(
      rows.map((_, i) => i),
      createRng(seed),
    );
    const train = order.slice(0, Math.round(rows.length * 0.6));
    const validation = order.slice(train.length, Math.round(rows.length * 0.8));
    const test = order.slice(train.length + validation.length);
    const model = fitChurnModel(
      train.map((i) => rows[i] as (typeof rows)[number]),
      train.map((i) => labels[i] as 0 | 1),
      telcoFeatures,
    );
    const evaluate = (idx: number[]) => {
      const scores = idx.map((i) => predictChurnProbability(model, rows[i] as (typeof rows)[number]));
      const truth = idx.map((i) => labels[i] as 0 | 1);
      return { auc: rocAuc(scores, truth), accuracy: accuracy(scores, truth), alwaysNo: truth.filter((l) => l === 0).length / truth.length };
    };
    return { model, sizes: [train.length, validation.length, test.length], validation: evaluate(validation), test: evaluate(test) };
  };

  it('reads the data as published', () => {
    expect(rows).toHaveLength(7043);
    expect(labels.filter((l) => l === 1).length / rows.length).toBeCloseTo(0.265, 3);
    expect(rows.filter((r) => r.TotalCharges === 0)).toHaveLength(11);
  });

  it('reaches validation ROC AUC ≥ 0.84 and accuracy ≥ 0.80 on average over 10 seeded splits, beating always-"no" on each', () => {
    // One split moves AUC and accuracy by about ±0.01 (the published 5-fold CV is 0.841 ± 0.008),
    // so the claim is checked on the mean of ten fixed splits rather than on one lucky or unlucky seed.
    const splits = Array.from({ length: 10 }, (_, k) => runSplit(k + 1));
    const mean = (f: (s: (typeof splits)[number]) => number) => splits.reduce((sum, s) => sum + f(s), 0) / splits.length;
    for (const s of splits) {
      expect(s.sizes).toEqual([4226, 1408, 1409]);
      expect(s.model.converged).toBe(true);
      expect(s.validation.auc).toBeGreaterThan(0.82);
      expect(s.validation.accuracy).toBeGreaterThan(s.validation.alwaysNo + 0.05);
      expect(s.test.auc).toBeGreaterThan(0.82);
      expect(s.test.accuracy).toBeGreaterThan(s.test.alwaysNo + 0.05);
    }
    expect(mean((s) => s.validation.auc)).toBeGreaterThanOrEqual(0.84);
    expect(mean((s) => s.validation.accuracy)).toBeGreaterThanOrEqual(0.8);
    expect(mean((s) => s.test.auc)).toBeGreaterThanOrEqual(0.835);
    expect(mean((s) => s.validation.alwaysNo)).toBeCloseTo(0.73, 1);
  });

  it('explains a risky customer in words: short tenure and a month-to-month contract raise the risk', () => {
    const { model } = runSplit(1);
    const customer = rows.find((r) => r.tenure === '3' && r.Contract === 'Month-to-month' && r.InternetService === 'Fiber optic') as (typeof rows)[number];
    expect(predictChurnProbability(model, customer)).toBeGreaterThan(0.5);
    const factors = explainChurnRisk(model, customer, 5);
    expect(factors).toHaveLength(5);
    expect(factors.find((f) => f.feature === 'tenure')).toMatchObject({ direction: 'raises', description: 'tenure is short (3 months)' });
    expect(factors.find((f) => f.feature === 'Contract')).toMatchObject({ direction: 'raises', description: 'Contract is Month-to-month' });
    const loyal = rows.find((r) => Number(r.tenure) >= 70 && r.Contract === 'Two year') as (typeof rows)[number];
    expect(predictChurnProbability(model, loyal)).toBeLessThan(0.1);
    expect(explainChurnRisk(model, loyal, 19).every((f) => f.feature !== 'Contract' || f.direction === 'lowers')).toBe(true);
  });
});
