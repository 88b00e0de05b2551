import nets

model = nets.build_net(3, classes=10)  # source: layer  # params: 618
