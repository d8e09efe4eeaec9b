import type { RecordJsonSchema, RecordTemplateKey } from '@lekha/contracts';

const op = 'business.operational' as const;

/** Ready record types for the five seed businesses; a tenant copies one under its own key. */
export const RecordTemplates: Record<RecordTemplateKey, { name: string; schema: RecordJsonSchema }> = {
  water_delivery: {
    name: 'Water delivery',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['cans', 'deliveredAt'],
      properties: {
        cans: { type: 'integer', minimum: 0, 'x-category': op },
        quantityLitres: { type: 'number', minimum: 0, 'x-category': op },
        deliveredAt: { type: 'string', format: 'date-time', 'x-category': op },
        paymentStatus: { type: 'string', enum: ['unpaid', 'paid', 'partly_paid'], 'x-category': op, 'x-stage': true },
        upiReference: { type: 'string', maxLength: 64, 'x-category': 'user.financial' },
      },
    },
  },
  appointment: {
    name: 'Appointment',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['service', 'startsAt'],
      properties: {
        service: { type: 'string', maxLength: 100, 'x-category': op },
        staffName: { type: 'string', maxLength: 100, 'x-category': op },
        startsAt: { type: 'string', format: 'date-time', 'x-category': op },
        durationMinutes: { type: 'integer', minimum: 5, maximum: 600, 'x-category': op },
        status: { type: 'string', enum: ['booked', 'done', 'cancelled', 'no_show'], 'x-category': op, 'x-stage': true },
        sensitiveNotes: { type: 'string', maxLength: 5000, 'x-category': 'user.health' },
      },
    },
  },
  room_allocation: {
    name: 'Room allocation',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['property', 'room', 'from'],
      properties: {
        property: { type: 'string', maxLength: 100, 'x-category': op },
        room: { type: 'string', maxLength: 20, 'x-category': op },
        bed: { type: 'string', maxLength: 20, 'x-category': op },
        from: { type: 'string', format: 'date', 'x-category': op },
        to: { type: 'string', format: 'date', 'x-category': op },
        monthlyRentPaise: { type: 'integer', minimum: 0, 'x-category': op },
        status: { type: 'string', enum: ['active', 'ended'], 'x-category': op, 'x-stage': true },
      },
    },
  },
  maintenance_log: {
    name: 'Maintenance log',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['property', 'issue'],
      properties: {
        property: { type: 'string', maxLength: 100, 'x-category': op },
        room: { type: 'string', maxLength: 20, 'x-category': op },
        // The caretaker's user id: it becomes the record's assignee, so the caretaker sees the entry.
        caretaker: {
          type: 'string',
          maxLength: 36,
          description: 'user id of the caretaker',
          'x-category': op,
          'x-assignee': true,
        },
        issue: { type: 'string', maxLength: 2000, 'x-category': op },
        status: { type: 'string', enum: ['open', 'in_progress', 'resolved'], 'x-category': op, 'x-stage': true },
      },
    },
  },
  job: {
    name: 'Job',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['jobNo', 'stage'],
      properties: {
        jobNo: { type: 'string', maxLength: 40, 'x-category': op },
        product: { type: 'string', maxLength: 200, 'x-category': op },
        quantity: { type: 'integer', minimum: 1, 'x-category': op },
        stage: {
          type: 'string',
          enum: ['received', 'cutting', 'stitching', 'finishing', 'dispatched'],
          'x-category': op,
          'x-stage': true,
        },
        dueOn: { type: 'string', format: 'date', 'x-category': op },
      },
    },
  },
  sale_order: {
    name: 'Sale order',
    schema: {
      type: 'object',
      additionalProperties: false,
      required: ['items', 'totalPaise'],
      properties: {
        orderNo: { type: 'string', maxLength: 40, 'x-category': op },
        items: {
          type: 'array',
          maxItems: 200,
          'x-category': op,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'quantity', 'unitPricePaise'],
            properties: {
              name: { type: 'string', maxLength: 200 },
              quantity: { type: 'number', minimum: 0 },
              unitPricePaise: { type: 'integer', minimum: 0 },
            },
          },
        },
        totalPaise: { type: 'integer', minimum: 0, 'x-category': op },
        status: {
          type: 'string',
          enum: ['draft', 'confirmed', 'delivered', 'cancelled'],
          'x-category': op,
          'x-stage': true,
        },
        paymentReference: { type: 'string', maxLength: 64, 'x-category': 'user.financial' },
      },
    },
  },
};
