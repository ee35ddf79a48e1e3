export type RecommendationsErrorCode = 'recommendations.switch_unchanged';
