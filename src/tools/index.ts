export * from './tool.decorator';
export * from './tool.types';
export * from './tool-registry.service';
export * from './tool-caller.service';
export * from './mcp-server.factory';
export * from './tools.module';
