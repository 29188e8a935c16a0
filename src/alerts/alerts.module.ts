import { Global, Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ModuleEntities } from '../database/module-entities';
import { RecordingModule } from '../recording/recording.module';
import { Alert, AlertCooldown } from './alert.entity';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { AlertsTools } from './alerts.tools';
import { BudgetAlerts } from './budget-alerts';
import { ModelHealthMonitor } from './model-health.monitor';
import { WebhookSender } from './webhook-sender';

/** Alerts: stored events, deduplicated across replicas, delivered to a webhook with retries; the model health monitor. */
@Global()
@ModuleEntities([Alert, AlertCooldown])
@Module({
  imports: [RecordingModule],
  providers: [Clock, AlertsRepository, AlertsService, AlertsTools, BudgetAlerts, ModelHealthMonitor, WebhookSender],
  exports: [AlertsService, Clock, ModelHealthMonitor],
})
export class AlertsModule {}
