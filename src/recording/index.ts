export * from './recorder.service';
export * from './performance-snapshot.service';
export * from './recording.types';
export * from './recording.module';
