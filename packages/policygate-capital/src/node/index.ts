// policygate-capital/node: Node-only helpers (files, audit sinks). The isomorphic core is the
// package's main entry; nothing here is needed in a browser.
export { FileError, loadPolicyFile, readJsonFile, type FileErrorCode } from './files.js';
export { FileAuditSink, type FileAuditSinkMode, type FileAuditSinkOptions, type FileAuditSinkStats } from './audit-file-sink.js';
