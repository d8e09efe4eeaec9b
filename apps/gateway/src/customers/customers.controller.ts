import { Body, Controller, Get, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Rpc, createCustomerSchema, customerIdSchema, listCustomersSchema, type CreateCustomerRequest, type CustomerView, type ListCustomersRequest, type Page } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard, RequirePermission } from '../auth/permissions.js';

@ApiTags('customers')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly bus: BusClient) {}

  @Post()
  @RequirePermission('customers:write', { action: 'create', resource: 'customer' })
  @ApiOperation({ summary: 'Create a customer (data principal) in the caller’s tenant' })
  create(@Body({ schema: createCustomerSchema }) body: CreateCustomerRequest): Promise<CustomerView> {
    return this.bus.call(Rpc.tenantData.createCustomer, body);
  }

  @Get()
  @RequirePermission('customers:read', { action: 'list', resource: 'customer' })
  @ApiOperation({ summary: 'List customers, newest first; ?phone= searches by blind index' })
  list(@Query({ schema: listCustomersSchema }) query: ListCustomersRequest): Promise<Page<CustomerView>> {
    return this.bus.call(Rpc.tenantData.listCustomers, query);
  }

  @Get(':id')
  @RequirePermission('customers:read', { action: 'read', resource: 'customer' })
  @ApiOperation({ summary: 'One customer; another tenant’s id is a 404' })
  get(@Param({ schema: customerIdSchema }) params: { id: string }): Promise<CustomerView> {
    return this.bus.call(Rpc.tenantData.getCustomer, { id: params.id });
  }
}
