export * from './recorder.service';
export * from './performance-snapshot';
export * from './recording.types';
export * from './recording.module';
