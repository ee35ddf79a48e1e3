const yuan = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 123456 fen → "¥1,234.56". */
export const formatFen = (fen: number | null | undefined): string => {
  if (fen === null || fen === undefined || Number.isNaN(fen)) return '—';
  const sign = fen < 0 ? '-' : '';
  return `${sign}¥${yuan.format(Math.abs(fen) / 100)}`;
};

export const formatPercent = (ratio: number): string => `${(ratio * 100).toFixed(1)}%`;
