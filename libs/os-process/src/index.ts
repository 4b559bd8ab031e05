export { cmdline, isAlive, killLeftover, readPidFile, signalGroup, tailFile } from './os-process';
