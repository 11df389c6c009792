import { createInProcessQueue } from "./in-process-queue.ts";
import { contractCatalog, defineJobQueueContract } from "./job-queue.contract.ts";

defineJobQueueContract("in-process", async () => createInProcessQueue({ catalog: contractCatalog }));
