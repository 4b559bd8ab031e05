/** Order states in the customer's words. */
export function statusText(status: string): string {
  switch (status) {
    case 'PAID':
      return 'Paid';
    case 'PENDING_PAYMENT':
      return 'Payment processing';
    case 'PAYMENT_FAILED':
      return 'Payment declined';
    case 'FULFILLED':
      return 'Shipped';
    case 'CANCELLED':
      return 'Cancelled';
    case 'REFUNDED':
      return 'Refunded';
    default:
      return status.toLowerCase().replace(/_/g, ' ');
  }
}
