// The version `kms-policy --version` and SARIF report: the package's own, read at build time
// (esbuild keeps only this field of package.json), so a release cannot forget to bump it here.
import { version } from '../../../package.json';

export const CLI_VERSION: string = version;
