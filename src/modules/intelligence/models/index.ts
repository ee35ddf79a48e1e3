// Customer-intelligence models: pure functions over plain data, proven on published data sets
// (see README.md). The use cases feed them rows from the database and store what they return.

export { accuracy, rocAuc } from './auc.ts';
export type { BgNbdFit, BgNbdParams, FitBgNbdOptions, WeightedSummary } from './bgnbd.ts';
export {
  bgNbdLogLikelihood,
  /** Collapses customers with the same (frequency, recency, T) into weighted patterns. */
  compressSummaries,
  /** Expected purchases of a customer in the next t time units, given (x, t_x, T). */
  conditionalExpectedPurchases,
  /** Expected purchases of a new customer in (0, t]. */
  expectedPurchases,
  /** Maximum-likelihood BG/NBD fit (r, α, a, b) with its log-likelihood. */
  fitBgNbd,
  /** P(the customer is still alive | x, t_x, T). */
  probabilityAlive,
  /** P(X(t) = x) for a new customer. */
  purchaseCountProbability,
} from './bgnbd.ts';
export type { ChurnFactor, ChurnModel, FeatureRow, FeatureSpec, FeatureValue, FitChurnModelOptions } from './churn.ts';
export {
  /** Top factors behind one customer's churn score, in words, with their direction. */
  explainChurnRisk,
  /** Deterministic L2 logistic regression (IRLS) on standardised numeric and one-hot features. */
  fitChurnModel,
  predictChurnProbability,
} from './churn.ts';
export type { ClvCustomer, ClvModels, ClvOptions } from './clv.ts';
export {
  /** Discounted expected spend over a horizon of months (BG/NBD × Gamma-Gamma). */
  customerLifetimeValue,
} from './clv.ts';
export type { CustomerSummary, SummarizeTransactionsOptions, Transaction, TransactionSummary } from './customer-summary.ts';
export {
  /** Transactions → (frequency, recency, T, mean repeat spend) per customer, same-day purchases merged. */
  summarizeTransactions,
} from './customer-summary.ts';
export type { FitGammaGammaOptions, GammaGammaFit, GammaGammaParams, SpendSummary } from './gamma-gamma.ts';
export {
  /** E[mean spend | x, z̄]; customers without repeats get the population mean. */
  expectedAverageSpend,
  /** Maximum-likelihood Gamma-Gamma fit (p, q, v) on repeat buyers. */
  fitGammaGamma,
  gammaGammaLogLikelihood,
} from './gamma-gamma.ts';
export type { Rng } from './random.ts';
export { createRng, shuffled } from './random.ts';
export type { Basket, FitItemSimilarityOptions, ItemSimilarity, RecommendOptions } from './recommend.ts';
export {
  /** Share of the catalogue shown to anyone. */
  catalogueCoverage,
  /** Item-to-item cosine similarity over baskets, plus popularity. */
  fitItemSimilarity,
  /** Share of customers with a held-out item in their list. */
  hitRate,
  /** Mean pairwise dissimilarity within a list. */
  intraListDiversity,
  /** Concentration of exposure over the catalogue: 0 even, → 1 everyone sees the same items. */
  recommendationGini,
  /** Personalised next products, topped up from the popular list. */
  recommendForCustomer,
  /** Non-personalised list: the baseline, and the fallback when personalisation is switched off. */
  recommendPopular,
} from './recommend.ts';
export type { ComputeRfmValuesOptions, RfmBuckets, RfmCutPoints, RfmOrder, RfmResult, RfmScore, RfmValues } from './rfm.ts';
export {
  /** Orders → RFM values → quantile scores in one call. */
  computeRfm,
  /** Recency (days), frequency (orders) and net monetary per customer over a window. */
  computeRfmValues,
  /** Quantile scores (quintiles by default): R 1 = most recent, F/M 1 = best, ties to the lower bucket. */
  scoreRfm,
} from './rfm.ts';
export type { SimulateBgNbdOptions } from './simulate-bgnbd.ts';
export {
  /** Synthetic customers from a BG/NBD process with known parameters (tests, benchmarks). */
  simulateBgNbdCustomers,
} from './simulate-bgnbd.ts';
