import type { UnaryHandler, VersionState } from '@demux/core';
import { tfs } from '@demux/proto';
import { metered, type FrontDoor } from '../front-door.js';
import { endpointOf } from './model-spec.js';

const STATE: Record<VersionState, tfs.ModelVersionStatus_State> = {
  UNKNOWN: tfs.ModelVersionStatus_State.UNKNOWN,
  START: tfs.ModelVersionStatus_State.START,
  LOADING: tfs.ModelVersionStatus_State.LOADING,
  AVAILABLE: tfs.ModelVersionStatus_State.AVAILABLE,
  UNLOADING: tfs.ModelVersionStatus_State.UNLOADING,
  END: tfs.ModelVersionStatus_State.END,
};

/** ModelService.GetModelStatus: every version's state, or the named version's. */
export function getModelStatus(door: FrontDoor): UnaryHandler<tfs.GetModelStatusRequest, tfs.GetModelStatusResponse> {
  return async (request) => {
    const { name, version } = endpointOf(request.modelSpec);
    return metered(door, { api: 'TensorFlowServing', interface: 'gRPC', method: 'GetModelStatus', name, version }, async () => {
      const versions = await door.scheduler.status(name, version);
      return {
        modelVersionStatus: versions.map((status) => ({
          version: BigInt(status.version),
          state: STATE[status.state],
          status: { errorCode: status.errorCode, errorMessage: status.errorCode === 0 ? 'OK' : status.errorMessage },
        })),
      };
    });
  };
}
