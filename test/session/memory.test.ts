import { MemorySessionStore } from '../../lib/session/session.ts';
import { sessionStoreContract } from '../support/session-store-contract.ts';

sessionStoreContract('MemorySessionStore', (options) => new MemorySessionStore(options));
