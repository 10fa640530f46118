// Keeps the engine's JavaScript thread awake while a GPU decodes. node-llama-cpp runs each decode
// and each sampling step as a native worker job; when one finishes, the worker wakes the event loop,
// which is asleep in epoll_wait, and only then is the next job queued. Two such wake-ups per token
// leave the GPU idle between tokens. A chain of setImmediate callbacks makes libuv poll with a zero
// timeout instead of sleeping, so the completion is seen at once. It costs one CPU core for the
// duration of a generation, so the engine uses it only when every layer is on the GPU (the CPU
// threads then have no math to do).

/** Starts polling; call the returned function to stop. */
export function keepAwake(): () => void {
  let running = true;
  const tick = (): void => {
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return () => {
    running = false;
  };
}
