// The language server's node entry: a connection over stdio or IPC, as the client chose. The
// engine store's root key comes in the process environment (never in initialize parameters,
// which a trace logs); it is taken out at once, so no process this one starts inherits it.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { ENGINE_ROOT_KEY_ENV } from '../protocol';
import { startServer } from './startServer';

const engineRootKeyHex = process.env[ENGINE_ROOT_KEY_ENV];
delete process.env[ENGINE_ROOT_KEY_ENV];

startServer(createConnection(ProposedFeatures.all), { engineRootKeyHex });
