/** The label width every config editor section shares, so their inputs line up. */
export const labelWidth = 20;
