"""Anchor of `bench importance`: Optuna 3.1 (Debian's python3-optuna) evaluates parameter importances on a
random-sampler study (seed 0) of f = sum((i + 1) * x_i**2), x_i in [0, 1], and prints one JSON line.
Usage: optuna_importance_bench.py fanova TRIALS PARAMS   (Optuna 3.1 has no PED-ANOVA; that evaluator is skipped)"""
import json, sys, time
import optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
evaluator, trials, params = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
if evaluator != "fanova":
    print(json.dumps({"anchor": "optuna", "bench": "importance", "evaluator": evaluator, "skipped": "not in Optuna 3.1"}))
    sys.exit(0)
study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
study.optimize(lambda t: sum((i + 1) * t.suggest_float(f"x{i}", 0, 1) ** 2 for i in range(params)), n_trials=trials)
t0 = time.perf_counter()
imp = optuna.importance.get_param_importances(study, evaluator=optuna.importance.FanovaImportanceEvaluator(seed=0))
seconds = time.perf_counter() - t0
print(json.dumps({"anchor": "optuna", "bench": "importance", "evaluator": evaluator, "trials": trials, "params": params,
                  "seconds": round(seconds, 4), "importances": {k: round(v, 4) for k, v in imp.items()}}, separators=(",", ":")))
