import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { McpHttpController } from './mcp-http.controller';
import { McpServerFactory } from './mcp-server.factory';
import { ToolCaller } from './tool-caller';
import { ToolRegistry } from './tool-registry';
import { ToolsController } from './tools.controller';

/** The tool layer: knows no feature module; it discovers @Tool methods at start. */
@Global()
@Module({
  imports: [DiscoveryModule],
  controllers: [ToolsController, McpHttpController],
  providers: [ToolRegistry, ToolCaller, McpServerFactory],
  exports: [ToolRegistry, ToolCaller, McpServerFactory],
})
export class ToolsModule {}
