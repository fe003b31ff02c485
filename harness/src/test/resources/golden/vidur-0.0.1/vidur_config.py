# Written by tokencost for Vidur 0.0.1. Paste each part into the file its comment names;
# skip the model if vidur/config/model_config.py already has a class whose get_name() returns its name.

# h100 is one of Vidur's devices: nothing to add for it.

# vidur/config/model_config.py (a Llama-style layer: gated SiLU MLP, RMSNorm, rotary):
@dataclass
class TokencostTinyModelConfig(Llama2ModelConfig):
    num_layers: int = 2
    num_q_heads: int = 8
    num_kv_heads: int = 2
    embedding_dim: int = 1024
    mlp_hidden_dim: int = 2048
    vocab_size: int = 4096

    @staticmethod
    def get_name():
        return "test-org/tiny"
