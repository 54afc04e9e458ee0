/**
 * @module
 * Serving files: `File` (a folder or a file as a resource tree), with what it leans on,
 * one file each: MIME types (mime.ts), byte ranges (ranges.ts), directory listings
 * (directory-listing.ts), the file cache (file-cache.ts), the directory cache (directory-cache.ts), sending bytes (file-send.ts),
 * `Data` (bytes in memory) and the `Registry` that processors and scripts share.
 *
 * Twisted counterpart: `twisted.web.static`, one 1,078-line module that holds all of
 * these; Loom gives each its own file. Lessons 01 (static-content) and 23
 * (advanced-configuration).
 */

export { DEFAULT_INDEX_NAMES, File, type FileOptions, type Processor, type ProcessorTable } from './file.ts';
export { Data } from './data.ts';
export { Registry } from './registry.ts';
export { DEFAULT_CONTENT_ENCODINGS, DEFAULT_CONTENT_TYPES, getTypeAndEncoding, loadMimeTypes, type TypeAndEncoding } from './mime.ts';
export { DirectoryLister, formatFileSize, type DirectoryListerOptions } from './directory-listing.ts';
export { DirectoryCache, DEFAULT_MAX_DIRECTORIES, type DirectoryCacheOptions } from './directory-cache.ts';
export { FileCache, type CachedFile, type FileCacheOptions, type FileVersion } from './file-cache.ts';
export { parseRangeHeader, planRanges, type ByteRange, type RangePlan, type RangeSpec } from './ranges.ts';
