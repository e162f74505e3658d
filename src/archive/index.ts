export { archiveDir, ensurePrivateDir, CATALOG_FILE, MARKER_FILE } from './archive-dir.js';
export { Archive, utcDate, checkName, NAME_PATTERN, NO_ARCHIVE_HINT, type OpenOptions } from './archive.js';
export { CATALOG_SCHEMA, selectRecordings, selectRecordingRows, wasKilled, selectSnapshots, selectGaps, type Recording, type RecordingStats, type Snapshot, type SnapshotKind, type Gap } from './catalog.js';
export { TickWriter, type TickResult } from './tick-writer.js';
export { SampleWriter, SAMPLE_ORDER } from './sample-writer.js';
export { readSamples, readEntities, readDistinct, readMetricNames, readBuckets, readPodLabels, readPodsByUid, readNodeObjects, AGGREGATIONS, type Aggregation, type SampleColumn, type SampleFilter, type TimeRange, type SampleRow, type EntityRow, type BucketRow } from './read-samples.js';
export { compact, type CompactOptions, type CompactResult, type MergeStart } from './compact.js';
export { reconcile, repairLeftovers, type ReconcileReport } from './reconcile.js';
export { repairArchive } from './repair.js';
export { filesOnDisk } from './files-on-disk.js';
export { prune, type PruneOptions, type PruneResult } from './prune.js';
export { verify, type VerifyReport } from './verify.js';
export { checkOutputFile, exportSamples, exportFormatFor, EXPORT_FORMATS, type ExportFormat, type ExportOptions } from './export.js';
export { fsyncFile } from './durable.js';
export { isOutOfMemory, keepFreedMemoryBriefly, keepMemoryBetweenTicks, memoryLimit, memoryLimitBytes } from './duck.js';
export { readTop, topMetrics, type TopSqlQuery, type TopSqlRow, type TopGroup, type TopAgg } from './read-top.js';
export { readPodObjects, type PodObjectRow } from './read-pods.js';
export {
  readFileParts, readRecordedBatches, readRecordedParts, readRecordedSamples, readRecordedSeries, RecordedObjects, type FileParts, type RawParts, type RecordedEntity, type RecordedFiles, type RecordedParts, type RecordedSamples, type RecordedSeries,
} from './recorded-batches.js';
export { coveredBy, indexAnswers } from './series-index.js';
export { rowRuns } from './row-runs.js';
export { backfillSeriesIndexes } from './index-backfill.js';
export { readManifest, type SinkRecord } from './manifest.js';
