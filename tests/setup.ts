/**
 * Loaded by .mocharc.json before any spec: installs Pulumi mocks that answer like Azure Resource Manager (ARM ids,
 * vaultUri, key URIs, identity ids, storage endpoints; see preview/armState.ts) and records every registration with
 * its dependency graph (preview/recorder.ts). Specs import `recorder` from tests/support/mocks.ts.
 */
import { armMocks } from "../preview/armState";
import { installRecordingMocks } from "../preview/recorder";

export const recorder = installRecordingMocks(armMocks(), { project: "cmk-storage", stack: "test" });
