import { Module } from '@nestjs/common';
import { InventoryController } from './inventory.controller';
import { PricesService } from './prices.service';
import { ReservationSweeper } from './reservation-sweeper';
import { ReservationService } from './reservation.service';
import { StockService } from './stock.service';

@Module({
  controllers: [InventoryController],
  providers: [ReservationService, ReservationSweeper, PricesService, StockService],
  exports: [StockService],
})
export class InventoryModule {}
