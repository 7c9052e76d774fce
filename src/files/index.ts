/** Durable file writing: a file is replaced whole or not at all, even if the process is killed midway. */
export { writeFileAtomically, FileWriteError } from './atomic-write.js';
