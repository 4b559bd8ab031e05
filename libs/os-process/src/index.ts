export { cmdline, isAlive, killLeftover, readPidFile, signalGroup, tailFile } from './os-process';
export { freePort, freePorts } from './ports';
