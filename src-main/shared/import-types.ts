/** How M3U entries are grouped into channels: same tvg-id (falling back to the name) or same name. */
export type GroupBy = 'tvg-id' | 'name';

/** merge: add new channels and new sources to existing ones; replace: the import becomes the lineup. */
export type ImportMode = 'merge' | 'replace';

export interface ImportRequest {
  /** M3U text, or … */
  text?: string;
  /** … an http(s) URL to fetch it from. */
  url?: string;
  groupBy?: GroupBy;
  mode?: ImportMode;
}

export interface SkippedLine {
  /** 1-based line number in the imported file. */
  line: number;
  reason: string;
}

export interface ImportReport {
  entries: number;
  channelsAdded: number;
  channelsUpdated: number;
  sourcesAdded: number;
  skipped: SkippedLine[];
}
