// How times, durations and numbers read in the console.

/** 2026-12-03 16:05:09Z: UTC, to the second, as event times are compared in UTC. */
export function time(iso) {
  if (!iso) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** 90 → "1 min 30 s". */
export function seconds(value) {
  if (value == null || Number.isNaN(value)) return '–';
  if (value === 0) return '0 s';
  if (value < 1) return `${Math.round(value * 1000)} ms`;
  if (value < 60) return `${Number(value.toFixed(1))} s`;
  if (value < 3600) return `${Math.floor(value / 60)} min${value % 60 >= 1 ? ` ${Math.floor(value % 60)} s` : ''}`;
  if (value < 86400) return `${Math.floor(value / 3600)} h${value % 3600 >= 60 ? ` ${Math.floor((value % 3600) / 60)} min` : ''}`;
  return `${Number((value / 86400).toFixed(1))} d`;
}

/** 12345.6 → "12,346"; small rates keep one decimal. */
export function number(value) {
  if (value == null || Number.isNaN(value)) return '–';
  return value >= 100 || Number.isInteger(value)
    ? Math.round(value).toLocaleString('en-US')
    : value.toFixed(1);
}

export function kindLabel(kind) {
  return {
    REPEATED_LOGIN_FAILURE: 'Repeated login failure',
    FAILURES_THEN_SUCCESS: 'Failures, then success',
    CREDENTIAL_STUFFING: 'Credential stuffing',
  }[kind] ?? kind;
}
