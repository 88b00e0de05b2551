; Queries the engine runs over a file before interpreting it (server/src/syntax/queries.ts).

; A name bound by a plain assignment (`model = nn.Sequential(...)`, `net = keras.Model(a, b)`):
; module-level models are named by the variable and located on it.
(assignment
  left: (identifier) @assigned.name) @assigned

; Comments that say how to build or feed a model: `# input: (1, 3, 32, 32)`, `# model: ResNet(...)`.
((comment) @annotation
  (#match? @annotation "^#[ \t]*(input|model|input-dtype)[ \t]*:"))
