// Classifier metrics for held-out evaluation.

type Label = 0 | 1 | boolean;

const isPositive = (label: Label) => label === 1 || label === true;

/**
 * Area under the ROC curve via the Mann–Whitney statistic; tied scores share their average rank
 * (so a tie between a positive and a negative counts one half).
 */
export const rocAuc = (scores: readonly number[], labels: readonly Label[]): number => {
  if (scores.length !== labels.length) throw new RangeError('scores and labels differ in length');
  const order = scores.map((_, i) => i).sort((i, j) => (scores[i] as number) - (scores[j] as number));
  let positives = 0;
  let rankSumPositives = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end + 1 < order.length && scores[order[end + 1] as number] === scores[order[start] as number]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (isPositive(labels[order[k] as number] as Label)) {
        positives++;
        rankSumPositives += averageRank;
      }
    }
    start = end + 1;
  }
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
};

/** Share of correct answers when a score ≥ threshold means "positive". */
export const accuracy = (scores: readonly number[], labels: readonly Label[], threshold = 0.5): number => {
  if (scores.length !== labels.length) throw new RangeError('scores and labels differ in length');
  let correct = 0;
  scores.forEach((s, i) => {
    if (s >= threshold === isPositive(labels[i] as Label)) correct++;
  });
  return correct / scores.length;
};
