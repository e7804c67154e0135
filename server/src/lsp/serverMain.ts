// The language server's node entry: a connection over stdio or IPC, as the client chose.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './startServer';

startServer(createConnection(ProposedFeatures.all));
