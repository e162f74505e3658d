export { runRecorder, abortableSleep, type RecorderOptions, type RecordSummary, type TickReport } from './recorder.js';
export { narrowBatch, type RecordScope } from './narrow.js';
export { compactRecording, hourlyMemoryLimit, HourlyCompaction, type CompactHours } from './hourly-compaction.js';
