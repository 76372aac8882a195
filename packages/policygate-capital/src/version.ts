/** The SDK's version, written as `engine_version` in audit events. Kept equal to package.json by a test. */
export const ENGINE_VERSION = '0.1.0';
