export type ScoringErrorCode = 'scoring.run_in_progress' | 'scoring.run_not_found' | 'scoring.not_enough_data' | 'scoring.invalid_settings';
