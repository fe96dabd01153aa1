/** Undoes a subscription (the shape sdk-core's `on()` and `subscribe()` return). */
export type Unsubscribe = () => void;
