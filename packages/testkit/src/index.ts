export { services, requireService, type ServiceName } from "./services.ts";
export { waitFor } from "./wait-for.ts";
