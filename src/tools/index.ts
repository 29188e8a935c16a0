export * from './tool.decorator';
export * from './tool.types';
export * from './tool-registry';
export * from './tool-caller';
export * from './mcp-server.factory';
export * from './tools.module';
