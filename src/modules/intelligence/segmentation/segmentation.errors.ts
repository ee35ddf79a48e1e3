export type SegmentationErrorCode =
  | 'segmentation.scheme_not_found'
  | 'segmentation.invalid_scheme'
  | 'segmentation.invalid_settings'
  | 'segmentation.run_in_progress'
  | 'segmentation.customer_not_found';
