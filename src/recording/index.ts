export * from './recorder.service';
export * from './recorded-rows';
export * from './recording.types';
export * from './recording.module';
