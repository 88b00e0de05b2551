; Queries the engine runs over a file before interpreting it (server/src/syntax/queries.ts).
; Every pattern starts at the module node: the engine runs them with maxStartDepth 0.

; A name bound by a plain assignment at module level (`model = nn.Sequential(...)`,
; `net = keras.Model(a, b)`), also under `if __name__ == "__main__":`: module-level models are
; named by the variable and located on it.
(module
  (expression_statement
    (assignment
      left: (identifier) @assigned.name) @assigned))

(module
  (if_statement
    consequence: (block
      (expression_statement
        (assignment
          left: (identifier) @assigned.name) @assigned))))
