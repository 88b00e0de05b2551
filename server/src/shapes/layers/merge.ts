// Layer family: merge (to be filled by its owner).
import type { LayerDef } from '../types';

export const layers: LayerDef[] = [];
