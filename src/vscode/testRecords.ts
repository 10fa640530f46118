// What the extension-host tests read and the product never does. Written and read only inside
// `if (MIXTRAL_TEST_HOOKS …)` blocks, which the production build drops, and with them this module
// and its names (test/unit/packaging checks the VSIX's dist/extension.js).
import type { PartialDownload } from "../core/models/partialDownloads";
import type { HostToWebview } from "../shared/protocol";

/** The model picker's rows as the tests read them. */
export interface PickerRow {
  label: string;
  description?: string;
  detail?: string;
  separator: boolean;
}

export const testRecords = {
  /** The status bar menu's labels when it was last opened. */
  statusBarMenu: [] as string[],
  /** The model picker's rows when it was last opened. */
  pickItems: [] as PickerRow[],
  /** Model pickers closed so far, and the label accepted in the last one (undefined: dismissed). */
  pickerCloses: 0,
  lastPicked: undefined as string | undefined,
  /** The last 20 notifications about models. */
  modelMessages: [] as string[],
  /** Answers queued by `mixtral._test.answerConfirm` for the next modal confirmations. */
  confirmAnswers: [] as (string | undefined)[],
  /** In the extension's test mode only: what the chat view was sent (chunks aside) since the last
   *  `mixtral._test.chatPosts`, whether or not a view was ready to show it. */
  chatPosts: undefined as HostToWebview[] | undefined,
};

/** What `mixtral._test.models` answers: the records above, with the models' and the status bar's state. */
export interface ModelsTestState {
  pickItems: PickerRow[];
  messages: string[];
  /** Downloads running now. */
  downloads: number;
  pickerCloses: number;
  lastPicked?: string;
  statusBarText: string;
  statusBarMenu: string[];
  paused?: PartialDownload;
}
