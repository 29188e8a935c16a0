export * from './recorder.service';
export * from './recording.types';
export * from './recording.module';
