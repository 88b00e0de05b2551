// Op family: tensor (to be filled by its owner).
import type { OpDef } from '../types';

export const ops: OpDef[] = [];
