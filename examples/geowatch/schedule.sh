#!/usr/bin/env bash
# The seed's `schedule_evaluation` invocation (docs "using mlops to run an
# evaluation"), flag for flag, with geowatch-compile in place of
# `python -m watch.mlops.schedule_evaluation`.
#
#   bash examples/geowatch/schedule.sh          # compile (the seed's serial backend -> bash script), run=0
#   bash examples/geowatch/schedule.sh plan     # the same invocation through `geowatch-compile plan`
#   bash examples/geowatch/schedule.sh plan --format json
#
# Paths default to harmless placeholders so this runs anywhere (nothing reads
# them at compile time); export DVC_EXPT_DPATH / DVC_DATA_DPATH to use yours.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

if [[ ! -f "$REPO/dist/src/cli/main.js" ]]; then
  echo "geowatch-compile is not built yet: run \`npm run build\` in $REPO first" >&2
  exit 1
fi

MODE=compile
if [[ "${1:-}" == plan ]]; then
  MODE=plan
  shift
fi

DATASET_CODE=${DATASET_CODE:-Aligned-Drop4-2022-08-08-TA1-S2-L8-ACC}
DATA_DVC_DPATH=${DVC_DATA_DPATH:-/data/smart_data_dvc}
DVC_EXPT_DPATH=${DVC_EXPT_DPATH:-/data/smart_expt_dvc}
TEST_DATASET=${TEST_DATASET:-$DATA_DVC_DPATH/$DATASET_CODE/data.kwcoco.json}
# Not in the seed: kwdagger's root_dpath=auto means $DVC_EXPT_DPATH/dag_runs;
# here job dirs and the generated script default to a folder next to this file.
ROOT_DPATH=${ROOT_DPATH:-$REPO/examples/geowatch/runs}

GEOWATCH_COMPILE=(node "$REPO/bin/geowatch-compile.js")
if [[ $MODE == plan ]]; then
  GEOWATCH_COMPILE+=(plan)
fi

# The seed's text is kept verbatim: its "contiguous" and "15GSD" close and reopen
# the double quotes, which leaves the same YAML (shellcheck warns about that).
# shellcheck disable=SC2140
"${GEOWATCH_COMPILE[@]}" --pipeline "$REPO/examples/geowatch/pipeline.yaml" \
    --root "$ROOT_DPATH" \
    --params="
        matrix:
            trk.pxl.model:
                - $DVC_EXPT_DPATH/models/fusion/Aligned-Drop4-2022-08-08-TA1-S2-L8-ACC/packages/Drop4_BAS_Retrain_V002/Drop4_BAS_Retrain_V002_epoch=31-step=16384.pt.pt
            trk.pxl.data.test_dataset:
                - $TEST_DATASET
            trk.pxl.data.window_scale_space: 15GSD
            trk.pxl.data.time_sampling:
                - "contiguous"
            trk.pxl.data.input_scale_space:
                - "15GSD"
            trk.poly.thresh:
                - 0.07
                - 0.1
                - 0.12
                - 0.175
            crop.src:
                - /home/joncrall/remote/toothbrush/data/dvc-repos/smart_data_dvc/online_v1/kwcoco_for_sc_fielded.json
            crop.regions:
                - trk.poly.output
            act.pxl.data.test_dataset:
                - /home/joncrall/remote/toothbrush/data/dvc-repos/smart_expt_dvc/models/fusion/Aligned-Drop4-2022-08-08-TA1-S2-L8-ACC/crop/online_v1_kwcoco_for_sc_fielded/trk_poly_id_0408400f/crop_f64d5b9a/crop_id_59ed6e1b/crop.kwcoco.json
            act.pxl.data.input_scale_space:
                - 3GSD
            act.pxl.data.time_steps:
                - 3
            act.pxl.data.chip_overlap:
                - 0.35
            act.poly.thresh:
                - 0.01
            act.poly.use_viterbi:
                - 0
            act.pxl.model:
                - $DVC_EXPT_DPATH/models/fusion/Aligned-Drop4-2022-08-08-TA1-S2-WV-PD-ACC/packages/Drop4_SC_RGB_scratch_V002/Drop4_SC_RGB_scratch_V002_epoch=99-step=50300-v1.pt.pt
        include:
            - act.pxl.data.chip_dims: 256,256
              act.pxl.data.window_scale_space: 3GSD
              act.pxl.data.input_scale_space: 3GSD
              act.pxl.data.output_scale_space: 3GSD
    " \
    --enable_pred_trk_pxl=1 \
    --enable_pred_trk_poly=1 \
    --enable_eval_trk_pxl=1 \
    --enable_eval_trk_poly=1 \
    --enable_crop=0 \
    --enable_pred_act_pxl=0 \
    --enable_pred_act_poly=0 \
    --enable_eval_act_pxl=0 \
    --enable_eval_act_poly=0 \
    --enable_viz_pred_trk_poly=1 \
    --enable_viz_pred_act_poly=0 \
    --enable_links=1 \
    --devices="0,1" --queue_size=2 \
    --queue_name='secondary-eval' \
    --backend=serial --skip_existing=0 \
    --run=0 \
    "$@"
