// The remote engines' public surface (see README text in the remote engines report).
export { TgiClient } from "./TgiClient";
export { OpenAiClient } from "./OpenAiClient";
export { createRemoteClient } from "./createRemoteClient";
export { checkRemoteHealth, type RemoteHealth } from "./health";
export { DEFAULT_TIMEOUTS, type RemoteTimeouts } from "./http";
export type { RemoteApiKey, RemoteClientOptions } from "./RemoteClientBase";
export * from "./remoteErrors";
export type { InferenceBackend, GenerateRequest, GenerateResult } from "../engineClient/types";
